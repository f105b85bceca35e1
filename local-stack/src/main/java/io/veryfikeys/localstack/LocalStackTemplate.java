package io.veryfikeys.localstack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optional, on a test class using {@link LocalAwsStackExtension}: which template to run, relative
 * to the working directory (the Maven module). Without it the extension uses the system property
 * {@code localstack.template}, else the first {@code template.yaml} found walking up from the
 * working directory.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface LocalStackTemplate {
    /** Path of the template, relative to the working directory. */
    String value();

    /** Parameter overrides as {@code Name=Value}. */
    String[] parameters() default {};
}
