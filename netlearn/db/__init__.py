"""Database backends: Django's, with what NetLearn changes about them."""
