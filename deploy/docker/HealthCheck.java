import java.net.HttpURLConnection;
import java.net.URI;

/**
 * Docker HEALTHCHECK for the Agent Forge images, which have neither curl nor wget: GETs an actuator health URL
 * on the loopback interface and exits 0 on HTTP 200, 1 otherwise.
 *
 * <p>Usage: {@code java @/opt/healthcheck/java.args HealthCheck [url]}. Without a URL it checks
 * {@code http://127.0.0.1:$PORT/actuator/health/readiness}. The argfile keeps this JVM small (~40 MB, ~0.1 s CPU)
 * whatever JAVA_TOOL_OPTIONS the application uses.
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0]
                : "http://127.0.0.1:" + System.getenv().getOrDefault("PORT", "8080") + "/actuator/health/readiness";
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(4_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status != 200) {
                System.out.println(url + " answered " + status);
                System.exit(1);
            }
        } catch (Exception e) {
            System.out.println(url + ": " + e);
            System.exit(1);
        }
    }
}
