"""Import and export of surveyors' data."""
