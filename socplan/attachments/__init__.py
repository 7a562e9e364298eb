"""Attachments: files on development requests, provider reports, decisions and plans.

One implementation for all parents. Each parent app registers its model with the checks of its own scope
(`socplan.attachments.registry.attachment_parent_register`); a file is seen by exactly who sees its parent.
"""
