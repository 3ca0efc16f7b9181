"""Read xlsx/xls/ods/csv files into clean typed tables (pure Python, no CKAN imports).

    wb = read_workbook("anggaran.xlsx")
    for sheet in wb.sheets:
        for table in extract_tables(sheet, filename=wb.filename):
            csv_text = to_csv(table)
            long = tidy_table(table)  # None when there is nothing to melt

Modules: detect (format by content), safety (zip bombs, DTDs, forged sizes,
before the parser), reader/_rawread (python-calamine; xls in a memory-capped
child process; a sheet read from xlsx/ods/xls is held column by column and ``Sheet.rows``
makes its row lists on first use), csvread (encoding and delimiter), numeric and dates (Indonesian
and English number/date text), tables (header detection and typing), export
(CSV), coltypes (whole-column typing), statistics (total columns, running
numbers, footnote marks) and tidy (the long form of a statistics table:
``tidy_table(table)``). Every failure is a SpreadsheetError naming the file (and sheet/row/cell
where known), in Bahasa Indonesia; its reason is a msgid marked with ``N_`` (``template`` and
``params``), so the CKAN side can show it in English with ``exc.message(tk._)``.

Runtime dependencies: python-calamine, charset-normalizer, olefile, google-re2.
"""
from .dates import parse_date
from .detect import detect_format
from .errors import N_, Phrase, SpreadsheetError, cell_ref, column_letter, params_from_json, params_to_json, render
from .export import csv_cell, format_value, to_csv
from .numeric import NumberInfo, parse_number, parse_number_info
from .reader import Sheet, Workbook, read_workbook
from .tables import Column, Table, extract_tables
from .tidy import DIMENSION_COLUMNS, tidy_table

__all__ = [
    "DIMENSION_COLUMNS",
    "N_",
    "Phrase",
    "SpreadsheetError",
    "detect_format",
    "Sheet",
    "Workbook",
    "read_workbook",
    "parse_number",
    "parse_number_info",
    "NumberInfo",
    "parse_date",
    "Column",
    "Table",
    "extract_tables",
    "tidy_table",
    "to_csv",
    "format_value",
    "csv_cell",
    "cell_ref",
    "column_letter",
    "params_from_json",
    "params_to_json",
    "render",
]
