package io.veryfikeys.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only view of a SAM {@code template.yaml}: the one source of truth for which handler class
 * serves which function, and for the values substituted into state machine definitions and
 * environment variables. Short-form intrinsics ({@code !Ref}, {@code !GetAtt}, {@code !Sub}...) are
 * turned into their long form ({@code {"Ref": ...}}, {@code {"Fn::GetAtt": [...]}}...) while
 * parsing.
 */
public final class SamTemplate {

    /** Thrown for unreadable templates and for intrinsics this local stack cannot resolve. */
    public static final class TemplateException extends RuntimeException {
        public TemplateException(String message) {
            super(message);
        }

        public TemplateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An {@code AWS::Serverless::Function}, merged with {@code Globals.Function}. */
    public record FunctionDef(
            String logicalId,
            String handler,
            int timeoutSeconds,
            String alias,
            Map<String, JsonNode> environment,
            int memoryMb,
            boolean snapStart,
            String codeUri) {
        /** The handler class name (the part before {@code ::}). */
        public String handlerClass() {
            int i = handler.indexOf("::");
            return i < 0 ? handler : handler.substring(0, i);
        }

        /** The handler method name when the Handler says {@code Class::method}. */
        public Optional<String> handlerMethod() {
            int i = handler.indexOf("::");
            return i < 0 ? Optional.empty() : Optional.of(handler.substring(i + 2));
        }
    }

    /**
     * An {@code AWS::Serverless::StateMachine}. {@code name} is the raw {@code Name} property, if
     * any; {@code schedules} its {@code Type: Schedule} events.
     */
    public record StateMachineDef(
            String logicalId,
            JsonNode name,
            String definitionUri,
            Map<String, JsonNode> substitutions,
            List<ScheduleDef> schedules) {}

    /**
     * A state machine's {@code Type: Schedule} event: an EventBridge rule with the machine as its
     * target (raw values).
     */
    public record ScheduleDef(String eventId, JsonNode schedule, JsonNode state, JsonNode input) {}

    /**
     * An {@code AWS::SNS::Subscription}, raw, with its {@code Condition} (null: always created).
     */
    public record SubscriptionDef(
            String logicalId,
            String condition,
            JsonNode topicArn,
            JsonNode protocol,
            JsonNode endpoint) {}

    /** A template parameter; {@code defaultValue} is null when it has no Default. */
    public record ParameterDef(String name, String type, String defaultValue) {}

    /**
     * An {@code AWS::SNS::Topic}; {@code topicName} is the raw {@code TopicName} property, if any.
     */
    public record TopicDef(String logicalId, JsonNode topicName) {}

    /**
     * An {@code AWS::DynamoDB::Table}: its string hash key and its TTL attribute (null if none).
     */
    public record TableDef(String logicalId, String hashKey, String ttlAttribute) {}

    /**
     * An {@code AWS::SSM::Parameter}: its {@code Name} (required here: Ref yields it) and {@code
     * Value}, unresolved.
     */
    public record SsmParameterDef(String logicalId, JsonNode name, JsonNode value) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final JsonNode root;
    private final Map<String, FunctionDef> functions = new LinkedHashMap<>();
    private final Map<String, StateMachineDef> stateMachines = new LinkedHashMap<>();
    private final Map<String, ParameterDef> parameters = new LinkedHashMap<>();
    private final Map<String, TopicDef> topics = new LinkedHashMap<>();
    private final Map<String, TableDef> tables = new LinkedHashMap<>();
    private final Map<String, SsmParameterDef> ssmParameters = new LinkedHashMap<>();
    private final Map<String, SubscriptionDef> subscriptions = new LinkedHashMap<>();

    private SamTemplate(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
        parse();
    }

    public static SamTemplate load(Path template) {
        Path abs = template.toAbsolutePath().normalize();
        try (Reader r = Files.newBufferedReader(abs)) {
            Object tree = new Yaml(new CfnConstructor()).load(r);
            if (!(tree instanceof Map)) throw new TemplateException(abs + " is not a YAML mapping");
            return new SamTemplate(abs, JSON.valueToTree(tree));
        } catch (IOException e) {
            throw new TemplateException("cannot read " + abs + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof TemplateException) throw e;
            throw new TemplateException("cannot parse " + abs + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public Path directory() {
        return path.getParent();
    }

    /** The whole template with intrinsics in long form. */
    public JsonNode tree() {
        return root;
    }

    public Map<String, FunctionDef> functions() {
        return Collections.unmodifiableMap(functions);
    }

    public Map<String, StateMachineDef> stateMachines() {
        return Collections.unmodifiableMap(stateMachines);
    }

    public Map<String, ParameterDef> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    public Map<String, TableDef> tables() {
        return Collections.unmodifiableMap(tables);
    }

    public Map<String, TopicDef> topics() {
        return Collections.unmodifiableMap(topics);
    }

    public Map<String, SsmParameterDef> ssmParameters() {
        return Collections.unmodifiableMap(ssmParameters);
    }

    public Map<String, SubscriptionDef> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    public FunctionDef function(String logicalId) {
        FunctionDef f = functions.get(logicalId);
        if (f == null)
            throw new TemplateException(
                    "no AWS::Serverless::Function '"
                            + logicalId
                            + "' in "
                            + path
                            + " (functions: "
                            + functions.keySet()
                            + ")");
        return f;
    }

    public StateMachineDef stateMachine(String logicalId) {
        StateMachineDef s = stateMachines.get(logicalId);
        if (s == null)
            throw new TemplateException(
                    "no AWS::Serverless::StateMachine '"
                            + logicalId
                            + "' in "
                            + path
                            + " (state machines: "
                            + stateMachines.keySet()
                            + ")");
        return s;
    }

    /** A literal number (SAM's defaults otherwise: Timeout 3, MemorySize 128). */
    private static int intOr(JsonNode n, int fallback) {
        if (n != null && n.canConvertToInt()) return n.asInt();
        if (n != null && n.isTextual()) return Integer.parseInt(n.asText());
        return fallback;
    }

    private void parse() {
        JsonNode globals = root.path("Globals").path("Function");
        root.path("Parameters")
                .fields()
                .forEachRemaining(
                        e -> {
                            JsonNode p = e.getValue();
                            JsonNode def = p.get("Default");
                            parameters.put(
                                    e.getKey(),
                                    new ParameterDef(
                                            e.getKey(),
                                            p.path("Type").asText("String"),
                                            def == null || def.isNull() ? null : scalarText(def)));
                        });
        root.path("Resources")
                .fields()
                .forEachRemaining(
                        e -> {
                            String id = e.getKey();
                            JsonNode res = e.getValue();
                            JsonNode props = res.path("Properties");
                            switch (res.path("Type").asText()) {
                                case "AWS::Serverless::Function" -> {
                                    JsonNode handler = first(props, globals, "Handler");
                                    if (handler == null || !handler.isTextual())
                                        throw new TemplateException(
                                                "function "
                                                        + id
                                                        + " has no literal Handler in "
                                                        + path);
                                    JsonNode timeout = first(props, globals, "Timeout");
                                    JsonNode alias = first(props, globals, "AutoPublishAlias");
                                    Map<String, JsonNode> env = new LinkedHashMap<>();
                                    globals.path("Environment")
                                            .path("Variables")
                                            .fields()
                                            .forEachRemaining(
                                                    v -> env.put(v.getKey(), v.getValue()));
                                    props.path("Environment")
                                            .path("Variables")
                                            .fields()
                                            .forEachRemaining(
                                                    v -> env.put(v.getKey(), v.getValue()));
                                    JsonNode memory = first(props, globals, "MemorySize");
                                    JsonNode snapStart = first(props, globals, "SnapStart");
                                    JsonNode codeUri = first(props, globals, "CodeUri");
                                    functions.put(
                                            id,
                                            new FunctionDef(
                                                    id,
                                                    handler.asText(),
                                                    intOr(timeout, 3),
                                                    alias != null && alias.isTextual()
                                                            ? alias.asText()
                                                            : "live",
                                                    Collections.unmodifiableMap(env),
                                                    intOr(memory, 128),
                                                    snapStart != null
                                                            && "PublishedVersions"
                                                                    .equals(
                                                                            snapStart
                                                                                    .path("ApplyOn")
                                                                                    .asText()),
                                                    codeUri != null && codeUri.isTextual()
                                                            ? codeUri.asText()
                                                            : null));
                                }
                                case "AWS::Serverless::StateMachine" -> {
                                    JsonNode uri = props.get("DefinitionUri");
                                    Map<String, JsonNode> subs = new LinkedHashMap<>();
                                    props.path("DefinitionSubstitutions")
                                            .fields()
                                            .forEachRemaining(
                                                    v -> subs.put(v.getKey(), v.getValue()));
                                    List<ScheduleDef> schedules = new ArrayList<>();
                                    props.path("Events")
                                            .fields()
                                            .forEachRemaining(
                                                    ev -> {
                                                        if ("Schedule"
                                                                .equals(
                                                                        ev.getValue()
                                                                                .path("Type")
                                                                                .asText())) {
                                                            JsonNode p =
                                                                    ev.getValue()
                                                                            .path("Properties");
                                                            schedules.add(
                                                                    new ScheduleDef(
                                                                            ev.getKey(),
                                                                            p.get("Schedule"),
                                                                            p.get("State"),
                                                                            p.get("Input")));
                                                        }
                                                    });
                                    stateMachines.put(
                                            id,
                                            new StateMachineDef(
                                                    id,
                                                    props.get("Name"),
                                                    uri != null && uri.isTextual()
                                                            ? uri.asText()
                                                            : null,
                                                    Collections.unmodifiableMap(subs),
                                                    List.copyOf(schedules)));
                                }
                                case "AWS::SNS::Subscription" ->
                                        subscriptions.put(
                                                id,
                                                new SubscriptionDef(
                                                        id,
                                                        res.hasNonNull("Condition")
                                                                ? res.get("Condition").asText()
                                                                : null,
                                                        props.get("TopicArn"),
                                                        props.get("Protocol"),
                                                        props.get("Endpoint")));
                                case "AWS::SNS::Topic" ->
                                        topics.put(id, new TopicDef(id, props.get("TopicName")));
                                case "AWS::DynamoDB::Table" -> {
                                    JsonNode key = props.path("KeySchema");
                                    if (key.size() != 1
                                            || !"HASH".equals(key.get(0).path("KeyType").asText())
                                            || props.has("TableName"))
                                        throw new TemplateException(
                                                "table "
                                                        + id
                                                        + ": the local stack creates tables with"
                                                        + " one hash key and a generated name, in "
                                                        + path);
                                    JsonNode ttl = props.path("TimeToLiveSpecification");
                                    tables.put(
                                            id,
                                            new TableDef(
                                                    id,
                                                    key.get(0).path("AttributeName").asText(),
                                                    ttl.path("Enabled").asBoolean(false)
                                                            ? ttl.path("AttributeName").asText()
                                                            : null));
                                }
                                case "AWS::SSM::Parameter" -> {
                                    if (props.get("Name") == null || props.get("Value") == null)
                                        throw new TemplateException(
                                                "SSM parameter "
                                                        + id
                                                        + " needs a Name and a Value in "
                                                        + path);
                                    ssmParameters.put(
                                            id,
                                            new SsmParameterDef(
                                                    id, props.get("Name"), props.get("Value")));
                                }
                                default -> {}
                            }
                        });
    }

    private static JsonNode first(JsonNode props, JsonNode globals, String field) {
        JsonNode v = props.get(field);
        return v != null ? v : globals.get(field);
    }

    private static String scalarText(JsonNode n) {
        if (n.isValueNode()) return n.asText();
        if (n.isArray()) { // CommaDelimitedList defaults written as YAML lists
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(x.asText()));
            return String.join(",", parts);
        }
        return n.toString();
    }

    /** Resolves intrinsics against a local deployment of this template. */
    public Resolver resolver(
            String region, String accountId, Map<String, String> parameterOverrides) {
        return new Resolver(region, accountId, parameterOverrides);
    }

    /**
     * Resolves the intrinsic values found in DefinitionSubstitutions and environment variables.
     * ARNs are computed the way moto and AWS compute them, so nothing has to be deployed first:
     * functions are named after their logical id, topics after TopicName (or the logical id), state
     * machines after Name (or the logical id).
     */
    public final class Resolver {
        public static final String STACK_NAME = "local";
        private final String region;
        private final String accountId;
        private final Map<String, String> overrides;

        private Resolver(String region, String accountId, Map<String, String> overrides) {
            this.region = region;
            this.accountId = accountId;
            this.overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
            for (String k : this.overrides.keySet())
                if (!parameters.containsKey(k))
                    throw new TemplateException(
                            "parameter override '"
                                    + k
                                    + "' is not a parameter of "
                                    + path
                                    + " (parameters: "
                                    + parameters.keySet()
                                    + ")");
        }

        public String region() {
            return region;
        }

        public String accountId() {
            return accountId;
        }

        public SamTemplate template() {
            return SamTemplate.this;
        }

        public String parameter(String name) {
            if (overrides.containsKey(name)) return overrides.get(name);
            ParameterDef p = parameters.get(name);
            if (p == null) throw new TemplateException("unknown parameter " + name);
            if (p.defaultValue() == null)
                throw new TemplateException(
                        "parameter " + name + " has no Default and no override was given");
            return p.defaultValue();
        }

        public String functionArn(String logicalId) {
            function(logicalId);
            return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + logicalId;
        }

        public String functionAliasArn(String logicalId) {
            return functionArn(logicalId) + ":" + function(logicalId).alias();
        }

        public String topicName(String logicalId) {
            TopicDef t = topics.get(logicalId);
            if (t == null)
                throw new TemplateException("no AWS::SNS::Topic '" + logicalId + "' in " + path);
            return t.topicName() == null
                    ? logicalId
                    : resolve(t.topicName(), "TopicName of " + logicalId);
        }

        /** CloudFormation names a table without TableName {@code <stack>-<logical id>-<suffix>}. */
        public String tableName(String logicalId) {
            if (!tables.containsKey(logicalId))
                throw new TemplateException(
                        "no AWS::DynamoDB::Table '" + logicalId + "' in " + path);
            return STACK_NAME + "-" + logicalId + "-LOCAL";
        }

        public String tableArn(String logicalId) {
            return "arn:aws:dynamodb:"
                    + region
                    + ":"
                    + accountId
                    + ":table/"
                    + tableName(logicalId);
        }

        public String topicArn(String logicalId) {
            return "arn:aws:sns:" + region + ":" + accountId + ":" + topicName(logicalId);
        }

        public String stateMachineName(String logicalId) {
            StateMachineDef s = stateMachine(logicalId);
            return s.name() == null ? logicalId : resolve(s.name(), "Name of " + logicalId);
        }

        public String stateMachineArn(String logicalId) {
            return "arn:aws:states:"
                    + region
                    + ":"
                    + accountId
                    + ":stateMachine:"
                    + stateMachineName(logicalId);
        }

        /** Resolves every value of the map; {@code where} names the place for error messages. */
        public Map<String, String> resolveAll(Map<String, JsonNode> values, String where) {
            Map<String, String> out = new LinkedHashMap<>();
            values.forEach(
                    (k, v) -> {
                        String r = resolve(v, where + "." + k);
                        if (r != null) out.put(k, r);
                    });
            return out;
        }

        /** Resolves one value to a string; null for AWS::NoValue. */
        public String resolve(JsonNode value, String where) {
            if (value == null || value.isNull()) return null;
            if (value.isValueNode()) return value.asText();
            if (value.isArray()) {
                List<String> parts = new ArrayList<>();
                value.forEach(v -> parts.add(resolve(v, where)));
                return String.join(",", parts);
            }
            if (value.isObject() && value.size() == 1) {
                Map.Entry<String, JsonNode> e = value.fields().next();
                JsonNode arg = e.getValue();
                switch (e.getKey()) {
                    case "Ref":
                        return ref(arg.asText(), where);
                    case "Fn::GetAtt":
                        {
                            List<String> parts = new ArrayList<>();
                            if (arg.isTextual()) {
                                String s = arg.asText();
                                int dot = s.indexOf('.');
                                if (dot < 0) throw unsupported(value, where);
                                parts.add(s.substring(0, dot));
                                parts.add(s.substring(dot + 1));
                            } else arg.forEach(x -> parts.add(resolve(x, where)));
                            if (parts.size() != 2) throw unsupported(value, where);
                            return getAtt(parts.get(0), parts.get(1), value, where);
                        }
                    case "Fn::Sub":
                        {
                            if (arg.isTextual()) return sub(arg.asText(), Map.of(), where);
                            if (arg.isArray() && arg.size() == 2) {
                                Map<String, String> vars = new LinkedHashMap<>();
                                arg.get(1)
                                        .fields()
                                        .forEachRemaining(
                                                v ->
                                                        vars.put(
                                                                v.getKey(),
                                                                resolve(v.getValue(), where)));
                                return sub(arg.get(0).asText(), vars, where);
                            }
                            throw unsupported(value, where);
                        }
                    case "Fn::Join":
                        {
                            if (!arg.isArray() || arg.size() != 2) throw unsupported(value, where);
                            List<String> parts = new ArrayList<>();
                            JsonNode list = arg.get(1);
                            if (list.isArray())
                                list.forEach(
                                        x -> {
                                            String r = resolve(x, where);
                                            if (r != null) parts.add(r);
                                        });
                            else parts.addAll(List.of(resolve(list, where).split(",")));
                            return String.join(arg.get(0).asText(), parts);
                        }
                    case "Fn::Select":
                        {
                            if (!arg.isArray() || arg.size() != 2) throw unsupported(value, where);
                            int i = Integer.parseInt(resolve(arg.get(0), where));
                            JsonNode list = arg.get(1);
                            if (list.isArray()) return resolve(list.get(i), where);
                            return resolve(list, where).split(",")[i];
                        }
                    case "Fn::If":
                        {
                            if (!arg.isArray() || arg.size() != 3) throw unsupported(value, where);
                            return resolve(
                                    condition(arg.get(0).asText(), where) ? arg.get(1) : arg.get(2),
                                    where);
                        }
                    default:
                        throw unsupported(value, where);
                }
            }
            throw unsupported(value, where);
        }

        /** Evaluates a named entry of the template's Conditions section. */
        public boolean condition(String name, String where) {
            JsonNode c = root.path("Conditions").get(name);
            if (c == null)
                throw new TemplateException(
                        "unknown condition '" + name + "' used in " + where + " of " + path);
            return evalCondition(c, where + " (condition " + name + ")");
        }

        private boolean evalCondition(JsonNode c, String where) {
            if (c.isObject() && c.size() == 1) {
                Map.Entry<String, JsonNode> e = c.fields().next();
                JsonNode a = e.getValue();
                switch (e.getKey()) {
                    case "Fn::Equals":
                        return java.util.Objects.equals(
                                resolve(a.get(0), where), resolve(a.get(1), where));
                    case "Fn::Not":
                        return !evalCondition(a.isArray() ? a.get(0) : a, where);
                    case "Fn::And":
                        {
                            for (JsonNode x : a) if (!evalCondition(x, where)) return false;
                            return true;
                        }
                    case "Fn::Or":
                        {
                            for (JsonNode x : a) if (evalCondition(x, where)) return true;
                            return false;
                        }
                    case "Condition":
                        return condition(a.asText(), where);
                    default:
                        break;
                }
            }
            throw unsupported(c, where);
        }

        private String ref(String name, String where) {
            switch (name) {
                case "AWS::Region":
                    return region;
                case "AWS::AccountId":
                    return accountId;
                case "AWS::Partition":
                    return "aws";
                case "AWS::URLSuffix":
                    return "amazonaws.com";
                case "AWS::StackName":
                    return STACK_NAME;
                case "AWS::StackId":
                    return "arn:aws:cloudformation:"
                            + region
                            + ":"
                            + accountId
                            + ":stack/"
                            + STACK_NAME
                            + "/local";
                case "AWS::NoValue":
                    return null;
                default:
                    break;
            }
            if (name.endsWith(".Alias")
                    && functions.containsKey(name.substring(0, name.length() - 6)))
                return functionAliasArn(name.substring(0, name.length() - 6));
            if (parameters.containsKey(name)) return parameter(name);
            // Note: in real CloudFormation Ref of a function yields its *name*; here it yields the
            // ARN, which every place that accepts a name (Invoke, lambda:invoke FunctionName) also
            // accepts.
            if (functions.containsKey(name)) return functionArn(name);
            if (topics.containsKey(name)) return topicArn(name);
            if (tables.containsKey(name)) return tableName(name);
            if (stateMachines.containsKey(name)) return stateMachineArn(name);
            if (ssmParameters.containsKey(name))
                return resolve(ssmParameters.get(name).name(), name + ".Name");
            throw new TemplateException(
                    "unsupported Ref '"
                            + name
                            + "' in "
                            + where
                            + " of "
                            + path
                            + ": not a parameter, function, SNS topic, state machine, SSM parameter or supported pseudo parameter");
        }

        private String getAtt(String id, String attr, JsonNode value, String where) {
            if (functions.containsKey(id) && attr.equals("Arn")) return functionArn(id);
            if (tables.containsKey(id) && attr.equals("Arn")) return tableArn(id);
            if (topics.containsKey(id) && attr.equals("TopicName")) return topicName(id);
            if (topics.containsKey(id) && attr.equals("TopicArn")) return topicArn(id);
            if (stateMachines.containsKey(id) && attr.equals("Arn")) return stateMachineArn(id);
            if (stateMachines.containsKey(id) && attr.equals("Name")) return stateMachineName(id);
            throw new TemplateException(
                    "unsupported Fn::GetAtt "
                            + id
                            + "."
                            + attr
                            + " in "
                            + where
                            + " of "
                            + path
                            + " ("
                            + value
                            + ")");
        }

        private static final Pattern VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

        private String sub(String template, Map<String, String> vars, String where) {
            Matcher m = VAR.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1).trim();
                String rep;
                if (vars.containsKey(name)) rep = vars.get(name);
                else if (name.contains(".")
                        && !name.startsWith("AWS::")
                        && !name.endsWith(".Alias")) {
                    int dot = name.indexOf('.');
                    rep =
                            getAtt(
                                    name.substring(0, dot),
                                    name.substring(dot + 1),
                                    JSON.getNodeFactory().textNode("${" + name + "}"),
                                    where);
                } else rep = ref(name, where);
                m.appendReplacement(out, Matcher.quoteReplacement(rep == null ? "" : rep));
            }
            m.appendTail(out);
            return out.toString().replace("${!", "${");
        }

        private TemplateException unsupported(JsonNode value, String where) {
            return new TemplateException(
                    "unsupported intrinsic " + value + " in " + where + " of " + path);
        }
    }

    /** SnakeYAML constructor that understands CloudFormation's short-form intrinsic tags. */
    static final class CfnConstructor extends SafeConstructor {
        private static final List<String> FN =
                List.of(
                        "Base64",
                        "Cidr",
                        "FindInMap",
                        "GetAZs",
                        "ImportValue",
                        "Join",
                        "Select",
                        "Split",
                        "Sub",
                        "Transform",
                        "If",
                        "Equals",
                        "Not",
                        "And",
                        "Or",
                        "ToJsonString",
                        "Length",
                        "GetAtt");

        CfnConstructor() {
            super(new LoaderOptions());
            // Keep unquoted dates (AWSTemplateFormatVersion: 2010-09-09) as strings.
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            this.yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            this.yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            for (String fn : FN)
                this.yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode s) {
                    String text = s.getValue();
                    if (key.equals("Fn::GetAtt")) {
                        int dot = text.indexOf('.');
                        value =
                                dot < 0
                                        ? List.of(text)
                                        : List.of(text.substring(0, dot), text.substring(dot + 1));
                    } else value = text;
                } else if (node instanceof SequenceNode s) {
                    value = constructSequence(s);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(key, value);
                return m;
            }
        }
    }
}
