package io.veryfikeys.consumers;

import java.net.URI;

/** A system that calls Veryfi with the account's key, and where it says which key it uses. */
public record Consumer(String name, URI healthUrl) {}
