"""Analysts' files: a round's data as SPSS, Stata, Parquet and CSV tables, with the labels and
missing-value codes of the bank's codebook (stocktake.banks.codebook), and the codebook itself
as a file.

    data_files.py      data_set(bank, wave, exports), write_data_set(data, "spss", out)
    formats.py         table_bytes(table, fmt): the formats, and the libraries they need
    table.py           Column, Table: plain data
    codebook_files.py  write_codebook(bank, Path("codebook.xlsx" | ".csv" | ".md"))
"""
