"""The neighbourhood monitor: indicator sets as data, the city average, trends and the alarm rule
(seed 002, interview Bob Kassenaar), and reading CBS-style statistics files."""
