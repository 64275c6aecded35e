package io.agentforge.registry.instance;

/**
 * Who registers an instance, as far as the store's atomic checks need to know.
 *
 * @param keyId        the registering key (null when security is off); it owns the names it registers first
 * @param admin        an admin may join a service another key owns (the name stays that key's)
 * @param maxInstances how many instances this key may hold at once; admins are not limited
 */
public record Registrant(String keyId, boolean admin, int maxInstances) {

    /** A key that is neither admin nor limited (tests, tools). */
    public static Registrant key(String keyId) {
        return new Registrant(keyId, false, Integer.MAX_VALUE);
    }
}
