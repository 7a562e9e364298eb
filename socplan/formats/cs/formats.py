"""Czech number formats: a (non-breaking) space as thousands separator, comma as decimal separator."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
DATE_FORMAT = "j. n. Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j. n. Y G:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d. %m. %Y", "%Y-%m-%d"]
