namespace MdtShare.Build.Ini;

/// <summary>What the MDT rules engine (ZTIGather.wsf, ZTIGather.xml) gives special meaning to.</summary>
public static class MdtKeys
{
    public const string DeployRoot = "DeployRoot";
    public const string Settings = "Settings";
    public const string Priority = "Priority";
    public const string Properties = "Properties";
    public const string Default = "Default";
    public const string DefaultGateway = "DefaultGateway";

    // Covers UserPassword, DomainAdminPassword, AdminPassword, DBPwd and any custom credential key.
    private static readonly string[] SecretFragments = ["Password", "Pwd", "Secret"];

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

    /// <summary>True for keys whose values are credentials: never logged, never written outside the INI itself.</summary>
    public static bool IsSecret(string key) =>
        SecretFragments.Any(f => key.IndexOf(f, StringComparison.OrdinalIgnoreCase) >= 0);

    public static bool IsGatheredProperty(string name) => GatheredProperties.Contains(name);
}
