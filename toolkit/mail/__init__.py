"""Closing the loop by email: send each partner its workbook, collect returned copies from the mailbox."""
