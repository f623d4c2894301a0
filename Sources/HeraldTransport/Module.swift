// HeraldTransport module.
