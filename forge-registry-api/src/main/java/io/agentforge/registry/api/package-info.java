/**
 * The Service Registry's wire contract: validated records, their JSON mapping and shared wire constants.
 *
 * <p>Null-marked (JSpecify): a type is non-null unless it says {@code @Nullable}. A record component is
 * {@code @Nullable} when its accessor may return null; a record whose constructor substitutes a default for a
 * missing value (an absent list, lease or schema) declares that constructor explicitly with the parameter
 * {@code @Nullable}, and the accessor stays non-null.
 */
@NullMarked
package io.agentforge.registry.api;

import org.jspecify.annotations.NullMarked;
