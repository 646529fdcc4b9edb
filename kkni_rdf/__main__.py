import sys

from kkni_rdf.cli import main

sys.exit(main())
