"""awsprocesscreds: AWS credentials from an AD FS, Entra ID or Okta login, for
``credential_process``.

Nothing is imported here on purpose: every ``aws`` command starts the tool again, and
the cache-hit path must stay as light as a bare interpreter.
"""

__version__ = "1.0.0"
