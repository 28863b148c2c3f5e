"""The build: execute chapters (cache, papermill), render the site and the PDF with Jupyter Book, publish only
a whole book, and stamp it with its version, data fingerprint and citation. The top layer: nothing imports it
but the command line."""
