"""Who the user is: login by phone and SMS code, one-time codes, real-name
verification (实名认证), the account holder (户主) by ID number, and phone numbers.
"""
__all__ = [
    "holder",
    "login",
    "phones",
    "real_name",
    "sms",
    "verification",
]
