/**
 * The plain-Java SDK of the Service Registry: leases, discovery, function invocation, token exchange and key
 * introspection.
 *
 * <p>Null-marked (JSpecify): a type is non-null unless it says {@code @Nullable}. A record component is
 * {@code @Nullable} when its accessor may return null; a record whose constructor substitutes a default for a
 * missing value declares that constructor explicitly with the parameter {@code @Nullable}, and the accessor stays
 * non-null.
 */
@NullMarked
package io.agentforge.client;

import org.jspecify.annotations.NullMarked;
