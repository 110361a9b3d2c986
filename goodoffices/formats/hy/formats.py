# Armenian dates and times as written in Armenia: day, month (genitive), year with "թ."; 24-hour
# times ("18:00", never "6 p.m."). The format strings use Django's date syntax.
DATE_FORMAT = "j E, Y թ."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j E, Y թ., H:i"
YEAR_MONTH_FORMAT = "F Y թ."
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
