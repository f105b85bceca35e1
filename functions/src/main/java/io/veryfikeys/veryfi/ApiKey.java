package io.veryfikeys.veryfi;

import io.veryfikeys.support.SecretValue;

/** A key as Veryfi returns it on create or reset: the only moment its value is known. */
public record ApiKey(long id, SecretValue value) {}
