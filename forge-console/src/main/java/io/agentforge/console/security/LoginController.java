package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties.AuthMode;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

@Controller
class LoginController {

    private final Credentials credentials;

    LoginController(Credentials credentials) {
        this.credentials = credentials;
    }

    @GetMapping("/login")
    String login(
            @RequestParam(required = false) String error, @RequestParam(required = false) String logout, Model model) {
        if (credentials.mode() == AuthMode.NONE) {
            return "redirect:/";
        }
        model.addAttribute("oidc", credentials.mode() == AuthMode.OIDC);
        model.addAttribute("oidcLogin", SecurityConfiguration.OIDC_LOGIN);
        model.addAttribute(
                "error",
                error == null
                        ? null
                        : switch (error) {
                            case "unavailable" ->
                                "The registry could not check the key right now. Try again in a moment.";
                            case "oidc" -> "Signing in with your identity provider did not work. Try again.";
                            case "oidc-unavailable" ->
                                "Your identity provider can't be reached right now. Try again in a moment.";
                            default ->
                                "That key was not accepted. Paste a client key (af_…) issued by your Agent Forge admin.";
                        });
        model.addAttribute("signedOut", logout != null);
        return "login";
    }
}
