"""Operators, departments, permissions and the approval policy (issue: no mis-sends)."""
