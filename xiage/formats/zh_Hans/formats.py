# Django's own zh-hans formats set no thousands grouping; statistics here are read with it.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
