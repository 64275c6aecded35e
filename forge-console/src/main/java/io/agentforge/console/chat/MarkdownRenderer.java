package io.agentforge.console.chat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Image;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.HtmlWriter;
import org.commonmark.renderer.html.UrlSanitizer;
import org.springframework.stereotype.Component;

/**
 * Turns model output (Markdown) into HTML that is safe to put in the page.
 *
 * <p>Model output is untrusted: a prompt injection can make a model write anything. Raw HTML is escaped (it shows as
 * text), link URLs are limited to http, https, mailto and relative ones ({@code javascript:} and {@code data:}
 * become empty), links get
 * {@code rel="noopener noreferrer nofollow"}, and images are shown as links, never loaded, so an answer can't make
 * the browser send data to another host. The Content-Security-Policy is the second wall.
 */
@Component
public class MarkdownRenderer {

    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .escapeHtml(true)
            .sanitizeUrls(true)
            .urlSanitizer(new WebUrls())
            .nodeRendererFactory(ImageAsLink::new)
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (tagName.equals("a")) {
                    attributes.put("rel", "noopener noreferrer nofollow");
                }
            })
            .build();

    /** HTML for the Markdown text; empty for null. */
    public String render(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return "";
        }
        return renderer.render(parser.parse(markdown));
    }

    /** Keeps http(s), mailto and scheme-less URLs; anything else (javascript:, data:, vbscript:, file:) is dropped. */
    private static final class WebUrls implements UrlSanitizer {

        private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

        @Override
        public String sanitizeLinkUrl(String url) {
            String trimmed = url.strip();
            // Browsers ignore control characters and whitespace inside a scheme: "java\tscript:" still runs.
            String compact = trimmed.replaceAll("[\\x00-\\x20\\x7f]", "");
            var scheme = SCHEME.matcher(compact);
            if (!scheme.find()) {
                return compact.startsWith("//") ? "" : trimmed;
            }
            String name = scheme.group().toLowerCase(Locale.ROOT);
            return name.equals("http:") || name.equals("https:") || name.equals("mailto:") ? trimmed : "";
        }

        @Override
        public String sanitizeImageUrl(String url) {
            return sanitizeLinkUrl(url);
        }
    }

    /** Renders {@code ![alt](url)} as a link to the image with its alt text, so nothing is fetched on display. */
    private static final class ImageAsLink implements NodeRenderer {

        private final HtmlNodeRendererContext context;
        private final HtmlWriter html;

        ImageAsLink(HtmlNodeRendererContext context) {
            this.context = context;
            this.html = context.getWriter();
        }

        @Override
        public Set<Class<? extends Node>> getNodeTypes() {
            return Set.of(Image.class);
        }

        @Override
        public void render(Node node) {
            Image image = (Image) node;
            String url = context.encodeUrl(context.urlSanitizer().sanitizeLinkUrl(image.getDestination()));
            String alt = altText(image);
            html.tag("a", context.extendAttributes(node, "a", Map.of("href", url, "class", "image-link")));
            html.text("[image: " + (alt.isBlank() ? "untitled" : alt) + "]");
            html.tag("/a");
        }

        private static String altText(Node node) {
            StringBuilder text = new StringBuilder();
            for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                if (child instanceof Text t) {
                    text.append(t.getLiteral());
                } else {
                    text.append(altText(child));
                }
            }
            return text.toString();
        }
    }
}
