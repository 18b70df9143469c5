"""Learning across pilots (issue 12): signals from practice to policy and lessons.

Pure logic only: the signal taxonomy loader (:mod:`.taxonomy`), the signal lifecycle
(:mod:`.lifecycle`), and the lessons catalogue (:mod:`.catalogue`). The Django app
``proeftuin.learning`` stores rows and renders; it asks this package what is allowed.
"""
