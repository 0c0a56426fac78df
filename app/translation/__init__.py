"""Translation of messages: languages, translation memory, machine suggestions, review state.

No Qt here: the console shows and edits what these modules decide.
"""
