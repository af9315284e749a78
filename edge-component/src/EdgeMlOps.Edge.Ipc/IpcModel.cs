namespace EdgeMlOps.Edge.Ipc;

/// <summary>MQTT quality of service for <c>PublishToIoTCore</c>.</summary>
public enum IoTCoreQos
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}

/// <summary>The lifecycle states a component may report with <c>UpdateState</c>.</summary>
public enum ReportedLifecycleState
{
    Running,
    Errored,
}

/// <summary>A <c>ConfigurationUpdateEvent</c>: which component's configuration changed, and at which key path.</summary>
public sealed record ConfigurationUpdate(string ComponentName, IReadOnlyList<string> KeyPath);
