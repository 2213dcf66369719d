namespace StaticOffload.Diagnostics;

/// <summary>
/// Every code the package reports, in one place. Errors are SO1xxx, warnings SO2xxx. A code never changes meaning
/// once released: users search for it and suppress warnings by it.
/// </summary>
public static class DiagnosticCodes
{
    public const string MissingBucket = "SO1001";
    public const string InvalidBucketName = "SO1002";
    public const string InvalidPrefix = "SO1003";
    public const string BucketNotFound = "SO1004";
    public const string AccessDenied = "SO1005";
    public const string EndpointUnreachable = "SO1006";
    public const string UnknownStorageClass = "SO1007";
    public const string UnknownAcl = "SO1008";
    public const string FileUnreadable = "SO1009";
    public const string TooManyDeletes = "SO1010";
    public const string InvalidHeaderValue = "SO1011";
    public const string SourceFolderMissing = "SO1012";
    public const string KeyTooLong = "SO1013";
    public const string DuplicateKey = "SO1014";
    public const string InvalidProperty = "SO1015";
    public const string InvalidRule = "SO1016";
    public const string RequestFailed = "SO1017";
    public const string InvalidCredentialsConfig = "SO1018";
    public const string FileChangedDuringUpload = "SO1019";
    public const string ReservedKey = "SO1020";
    public const string RemoteStateFailed = "SO1021";
    public const string OutputShrank = "SO1022";
    public const string InvalidRedirect = "SO1023";
    public const string SyncInProgress = "SO1024";
    public const string RootDeleteNotAllowed = "SO1025";
    public const string InvalidKey = "SO1026";
    public const string CredentialsMissing = "SO1027";
    public const string CredentialsRejected = "SO1028";
    public const string EndpointTimeout = "SO1029";
    public const string LocalWriteFailed = "SO1030";
    public const string ServiceUrlHasCredentials = "SO1031";
    public const string SyncCancelled = "SO1032";
    public const string InvalidStateLocation = "SO1033";

    public const string SnapshotUnreadable = "SO2001";
    public const string SnapshotForOtherDestination = "SO2002";
    public const string NothingToSync = "SO2003";
    public const string UnsupportedByProvider = "SO2004";
    public const string EndpointsManifestUnreadable = "SO2005";
    public const string LinkOutsideSource = "SO2006";
    public const string RemoteStateIgnored = "SO2007";
    public const string UnmanageableKey = "SO2008";
    public const string CheckpointNotSaved = "SO2009";
    public const string ObjectChangedInBucket = "SO2010";
}
