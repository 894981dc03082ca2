#!/usr/bin/env python
from assure.cli import main

if __name__ == "__main__":
    main()
