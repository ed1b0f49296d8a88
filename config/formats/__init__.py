"""Date and time formats where Django's differ from how the network writes them."""
