import sys

from zhucun.policy.cli import main

sys.exit(main())
