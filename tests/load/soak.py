"""Soak test: the daily volume (2,000 orders, 100 imports, 500 portal visits) in
accelerated time, then worker memory growth (first vs last 10 % of the run)
and errors. ``load.py`` in soak mode; takes the same options (see --help).

    /opt/odoo19/venv/bin/python tests/load/soak.py -d load_bench \\
        --from-template appliance_bench_tpl
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from load import main

if __name__ == "__main__":
    sys.exit(main(soak=True))
