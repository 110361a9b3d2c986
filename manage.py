#!/usr/bin/env python
from goodoffices.cli import main

if __name__ == "__main__":
    main()
