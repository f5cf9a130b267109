"""Google Sheets backend: generate, share, read back and write the master as live spreadsheets.

Every request goes through `http.GoogleHTTPClient` (rate limit, bounded retry), the one seam
tests swap for a local stand-in of the Sheets v4 and Drive v3 endpoints. Import the modules you
need (`generate`, `master`, `reader`, `auth`, …): this package imports nothing itself, so
recognising a Google source (`source.py`) never loads gspread or google-auth.
"""
