package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties.AuthMode;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Keeps a console without login ({@code auth=none}) from being reachable from other machines. */
final class LoopbackGuard {

    private LoopbackGuard() {}

    /**
     * @param serverAddress the {@code server.address} the console binds to; blank means every interface
     * @throws IllegalStateException when {@code mode} is {@code none} and the address is not a loopback address
     */
    static void check(AuthMode mode, String serverAddress) {
        if (mode != AuthMode.NONE) {
            return;
        }
        if (serverAddress == null || serverAddress.isBlank()) {
            throw refusal("server.address is not set, so it would listen on every interface");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(serverAddress.strip())) {
                if (!address.isLoopbackAddress()) {
                    throw refusal("server.address=" + serverAddress + " is not a loopback address");
                }
            }
        } catch (UnknownHostException e) {
            throw refusal("server.address=" + serverAddress + " does not resolve");
        }
    }

    private static IllegalStateException refusal(String why) {
        return new IllegalStateException("agentforge.console.auth=none (no login) is only allowed on a loopback"
                + " address, but " + why + ". Set SERVER_ADDRESS=127.0.0.1, or choose AGENTFORGE_CONSOLE_AUTH=api-key"
                + " or oidc.");
    }
}
