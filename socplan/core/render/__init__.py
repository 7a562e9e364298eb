"""Rendering primitives shared by every app (framework-free, no models): a small document model
(`blocks`), Czech typography (`typography`), inline SVG charts (`charts`) and the PDF (`pdf`, WeasyPrint),
DOCX (`word`, python-docx) and XLSX (`spreadsheet`, openpyxl) writers.

They sit in `core` so that any app may draw a chart or write a workbook; the plan documents themselves are
built by the documents app, which sits above the modules whose data they gather.
"""
