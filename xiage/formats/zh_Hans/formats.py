# Django's own zh-hans formats set no thousands grouping; amounts here are read with it where
# a template or column asks for grouping (USE_THOUSAND_SEPARATOR is off).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
