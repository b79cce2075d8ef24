"""Nothing of the feedback channel is in Django's admin site, on purpose.

Cases hold only ciphertext, and reads must go through ``feedback.actions`` (which logs them);
assignments must be changed on the feedback assignments page, which writes an access-log row.
An admin form would bypass both. Administrators use /feedback/assignments/ and
/feedback/access-log/.
"""
