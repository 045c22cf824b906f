"""``python -m awsprocesscreds``: the same as the ``awsprocesscreds-saml`` command."""

import sys

from awsprocesscreds.hotpath import main

if __name__ == "__main__":
    sys.exit(main())
