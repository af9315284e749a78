using System.Text.Json.Nodes;

namespace EdgeMlOps.Edge.TestNucleus;

/// <summary>What the test nucleus serves and accepts.</summary>
public sealed record TestNucleusOptions
{
    /// <summary>Unix socket path to listen on (a stale file there is replaced). Required.</summary>
    public required string SocketPath { get; init; }

    /// <summary>The SVCUID a client must present in CONNECT. Default: "test-svcuid".</summary>
    public string AuthToken { get; init; } = "test-svcuid";

    /// <summary>The component the auth token belongs to (used when a request names no component). Default: "com.example.Component".</summary>
    public string ComponentName { get; init; } = "com.example.Component";

    /// <summary>Configuration trees served by GetConfiguration, per component name. Default: an empty tree for <see cref="ComponentName"/>.</summary>
    public IReadOnlyDictionary<string, JsonObject> Configuration { get; init; } = new Dictionary<string, JsonObject>();

    /// <summary>Topics whose publish is refused with UnauthorizedError, as a missing access control policy would. Default: none.</summary>
    public IReadOnlySet<string> DeniedTopics { get; init; } = new HashSet<string>();

    /// <summary>
    /// Authorise PublishToIoTCore as the real nucleus does: by the calling component's current configuration
    /// <c>accessControl.aws.greengrass.ipc.mqttproxy</c> (see <see cref="MqttProxyAccessControl"/>), so serving a
    /// recipe's DefaultConfiguration enforces that recipe's policy; a publish no policy grants gets UnauthorizedError.
    /// <see cref="DeniedTopics"/> still applies. Default: false (every topic not in DeniedTopics is allowed).
    /// </summary>
    public bool EnforceAccessControl { get; init; }

    /// <summary>The device's thing name, substituted for <c>{iot:thingName}</c> in access control resources. Default: "test-thing".</summary>
    public string ThingName { get; init; } = "test-thing";
}
