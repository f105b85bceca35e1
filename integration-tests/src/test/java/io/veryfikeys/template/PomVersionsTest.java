package io.veryfikeys.template;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * functions/pom.xml has no parent (sam build copies that folder alone and builds it there), so its
 * versions are written twice; this keeps them in step with the root pom: every property both
 * define, and every dependency the root manages that functions pins itself.
 */
class PomVersionsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    @Test
    void theFunctionsPomAgreesWithTheRootPom() throws Exception {
        Document root = read(ROOT.resolve("pom.xml"));
        Document functions = read(ROOT.resolve("functions/pom.xml"));
        Map<String, String> rootProperties = properties(root);
        Map<String, String> functionsProperties = properties(functions);

        Map<String, String> shared = new LinkedHashMap<>();
        functionsProperties.forEach(
                (name, value) -> {
                    if (rootProperties.containsKey(name) && !name.startsWith("maven."))
                        shared.put(name, value);
                });
        assertThat(shared).as("properties both poms define").isNotEmpty();
        shared.forEach(
                (name, value) ->
                        assertThat(value)
                                .as("property " + name)
                                .isEqualTo(rootProperties.get(name)));

        Map<String, String> managed = managedVersions(root, rootProperties);
        NodeList dependencies = functions.getElementsByTagName("dependency");
        int compared = 0;
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            String key = text(d, "groupId") + ":" + text(d, "artifactId");
            String version = text(d, "version");
            if (version == null || !managed.containsKey(key)) continue;
            assertThat(resolve(version, functionsProperties))
                    .as(key + " in functions/pom.xml")
                    .isEqualTo(managed.get(key));
            compared++;
        }
        assertThat(compared).as("pinned dependencies compared").isPositive();
    }

    private static Map<String, String> managedVersions(
            Document root, Map<String, String> properties) {
        Map<String, String> managed = new LinkedHashMap<>();
        Element management = (Element) root.getElementsByTagName("dependencyManagement").item(0);
        NodeList dependencies = management.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            managed.put(
                    text(d, "groupId") + ":" + text(d, "artifactId"),
                    resolve(text(d, "version"), properties));
        }
        return managed;
    }

    private static Map<String, String> properties(Document pom) {
        Map<String, String> properties = new LinkedHashMap<>();
        NodeList nodes = pom.getElementsByTagName("properties");
        if (nodes.getLength() == 0) return properties;
        NodeList children = nodes.item(0).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e)
                properties.put(e.getTagName(), e.getTextContent().trim());
        }
        return properties;
    }

    private static String resolve(String value, Map<String, String> properties) {
        if (value == null) return null;
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find())
            m.appendReplacement(
                    out, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group(0))));
        return m.appendTail(out).toString();
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static Document read(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }
}
