package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties.AuthMode;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every page's header needs: who is signed in, and whether there is a sign-out at all. */
@ControllerAdvice
class ViewDefaults {

    private final Credentials credentials;

    ViewDefaults(Credentials credentials) {
        this.credentials = credentials;
    }

    @ModelAttribute("userName")
    String userName() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return credentials.displayName(authentication);
    }

    @ModelAttribute("canSignOut")
    boolean canSignOut() {
        return credentials.mode() != AuthMode.NONE;
    }
}
