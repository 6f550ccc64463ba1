"""The command-line tools users run, installed as console scripts by ``pip install .``
(``sokd-train``, ``sokd-test``, ``sokd-matrix``); ``tools/train.py``, ``tools/test.py`` and
``tools/run_matrix.py`` are the same code for a checkout (thin wrappers)."""
