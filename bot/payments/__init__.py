"""Payments leave the assistant through a payment gateway; the demo one plays an external bank."""
