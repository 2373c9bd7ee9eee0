namespace MdtShare.Build.Ini;

/// <summary>What the MDT rules engine (ZTIGather.wsf, ZTIGather.xml) gives special meaning to.</summary>
internal static class MdtKeys
{
    public const string DeployRoot = "DeployRoot";
    public const string Settings = "Settings";
    public const string Priority = "Priority";
    public const string Properties = "Properties";
    public const string Default = "Default";
    public const string DefaultGateway = "DefaultGateway";
    public const string Subsection = "Subsection";
    public const string ResourceRoot = "ResourceRoot";
    public const string PsdDeployRoots = "PSDDeployRoots";

    // Covers UserPassword, DomainAdminPassword, AdminPassword, DBPwd, SQLPassword and custom credential keys.
    private static readonly string[] CredentialEndings = ["Password", "Pwd", "Secret"];

    /// <summary>Keys whose value names a service on a server (SQL, WSUS, monitoring, web services): it does not move
    /// with a file share.</summary>
    private static readonly HashSet<string> ServiceKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "SQLServer", "SQLShare", "WSUSServer", "WebService", "EventService",
        "MonitorHost", "MonitorEventService", "MonitorDataService",
    };

    /// <summary>
    /// Properties ZTIGather sets on the client. A Priority entry naming one of them selects the section named by
    /// its value at boot time, so the file need not hold a section with the entry's own name.
    /// </summary>
    private static readonly HashSet<string> GatheredProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "AssetTag", "SerialNumber", "Make", "Model", "Product", "UUID", "MACAddress", "IPAddress", "DefaultGateway",
        "HostName", "ComputerName", "OSDComputerName", "Architecture", "ImageBuild", "ImageFlags", "ImageIndex",
        "OSVersion", "OSCurrentVersion", "OSCurrentBuild", "OSSKU", "Memory", "ProcessorSpeed", "IsLaptop",
        "IsDesktop", "IsServer", "IsVM", "IsUEFI", "VMPlatform", "WDSServer", "TaskSequenceID", "BuildID",
        "DeploymentType", "DeploymentMethod", "Phase", "SystemLocale", "UserLocale", "KeyboardLocale",
        "BIOSVersion", "BIOSReleaseDate", "SMBIOSBIOSVersion", "Role", "Location", "Site", "CSPVersion",
        "SupportsX64", "SupportsX86", "SupportsNX", "SupportsVT", "Supports64Bit",
    };

    /// <summary>True for keys whose values are credentials: never logged, never written outside the INI itself.
    /// <c>Skip…Password</c> keys are wizard switches (YES/NO), not credentials.</summary>
    public static bool IsSecret(string key) =>
        !key.StartsWith("Skip", StringComparison.OrdinalIgnoreCase)
        && CredentialEndings.Any(e => key.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    public static bool IsService(string key) => ServiceKeys.Contains(key);

    /// <summary>ZTIGather.xml's <c>overwrite="true"</c> roots: the last section that sets one wins, and LiteTouch
    /// reconnects to it after Bootstrap.ini.</summary>
    public static bool IsRoot(string key) =>
        string.Equals(key, DeployRoot, StringComparison.OrdinalIgnoreCase) || string.Equals(key, ResourceRoot, StringComparison.OrdinalIgnoreCase);

    /// <summary>[Settings] and [DefaultGateway] steer the rules; MDT never reads properties from them.</summary>
    public static bool IsRuleSection(string? name) =>
        name is not null && !string.Equals(name, Settings, StringComparison.OrdinalIgnoreCase)
        && !string.Equals(name, DefaultGateway, StringComparison.OrdinalIgnoreCase);

    public static bool IsGatheredProperty(string name) => GatheredProperties.Contains(name);
}
