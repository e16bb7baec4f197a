"""Every write to lessons' data, one module per concept.

- ``terminal``: a command in a learner's terminal, `clear`, "Reset", the form kinds' saved rows;
- ``progress``: a learner's standing in a lesson (activity, never going backwards);
- ``grading``: "Check my work" (an Attempt and the progress it earns);
- ``content``: lesson files loaded or imported, and an exercise saved from the editor.

Archiving and restoring lessons, and their order, are the instructors' (instructors/services.py).
"""
