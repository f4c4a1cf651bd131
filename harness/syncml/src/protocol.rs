//! SyncML DM 1.2 protocol constants: the content types a message travels under,
//! the Meta Types of the authentication schemes, and the alert codes.

/// The content type of SyncML DM in XML.
pub const CONTENT_TYPE_XML: &str = "application/vnd.syncml.dm+xml";
/// The content type of SyncML DM in WBXML.
pub const CONTENT_TYPE_WBXML: &str = "application/vnd.syncml.dm+wbxml";

/// The Meta Type of Basic credentials, `B64(user:password)`.
pub const AUTH_BASIC: &str = "syncml:auth-basic";
/// The Meta Type of MD5 digest credentials.
pub const AUTH_MD5: &str = "syncml:auth-md5";
/// The Meta Type of HMAC authentication, which travels in the `x-syncml-hmac`
/// transport header rather than in Cred.
pub const AUTH_MAC: &str = "syncml:auth-MAC";

/// The alert codes of OMA DM 1.2, carried in the Data of an Alert (OMA DM
/// RepPro 1.2, section 7 "Alert codes"); no other code is a valid OMA DM alert.
pub mod alert {
    /// 1100 DISPLAY: the client shows the server's message to the user.
    pub const DISPLAY: u16 = 1100;
    /// 1101 CONFIRM OR REJECT: the client asks the user to confirm the server's message.
    pub const CONFIRM_OR_REJECT: u16 = 1101;
    /// 1102 TEXT INPUT: the client asks the user for a text and returns it in a Status.
    pub const TEXT_INPUT: u16 = 1102;
    /// 1103 SINGLE CHOICE: the user picks one of the server's choices.
    pub const SINGLE_CHOICE: u16 = 1103;
    /// 1104 MULTIPLE CHOICE: the user picks one or more of the server's choices.
    pub const MULTIPLE_CHOICE: u16 = 1104;
    /// 1200 SERVER-INITIATED MGMT: a management session the server asked for.
    pub const SERVER_INITIATED_MGMT: u16 = 1200;
    /// 1201 CLIENT-INITIATED MGMT: a management session the client started.
    pub const CLIENT_INITIATED_MGMT: u16 = 1201;
    /// 1222 NEXT MESSAGE: asks the other side for the next message of its package.
    pub const NEXT_MESSAGE: u16 = 1222;
    /// 1223 SESSION ABORT: ends the session unexpectedly.
    pub const SESSION_ABORT: u16 = 1223;
    /// 1224 CLIENT EVENT: client event information, one event per Item.
    pub const CLIENT_EVENT: u16 = 1224;
    /// 1225 NO END OF DATA: a new object or command came before the last chunk of
    /// a large object.
    pub const NO_END_OF_DATA: u16 = 1225;
    /// 1226 GENERIC ALERT: a client alert about a management object, typed by its
    /// Item's Meta Type and Format.
    pub const GENERIC: u16 = 1226;
}

/// The SOAP 1.2, WS-Addressing and discovery names of Windows enrollment
/// ([MS-MDE2] Mobile Device Enrollment Protocol Version 2, 2.2 and 3.1), for the
/// harness's enrollment client and the reference enrollment service alike.
pub mod enrollment {
    /// The SOAP 1.2 envelope namespace (SOAP 1.2 Part 1, 5.1).
    pub const SOAP_ENVELOPE: &str = "http://www.w3.org/2003/05/soap-envelope";
    /// The WS-Addressing 1.0 namespace of Action, MessageID, ReplyTo, To, RelatesTo.
    pub const ADDRESSING: &str = "http://www.w3.org/2005/08/addressing";
    /// The anonymous ReplyTo address (WS-Addressing 1.0 Core, 2.1).
    pub const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
    /// The media type of SOAP 1.2 messages (RFC 3902).
    pub const SOAP_MEDIA_TYPE: &str = "application/soap+xml";
    /// The namespace of the discovery messages (MS-MDE2 2.2.9.x, 3.1.4.1).
    pub const DISCOVERY: &str =
        "http://schemas.microsoft.com/windows/management/2012/01/enrollment";
    /// The Action of a Discover request (MS-MDE2 3.1.4.1).
    pub const DISCOVER_ACTION: &str = "http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/Discover";
    /// The Action of a Discover response (MS-MDE2 3.1.4.1).
    pub const DISCOVER_RESPONSE_ACTION: &str = "http://schemas.microsoft.com/windows/management/2012/01/enrollment/IDiscoveryService/DiscoverResponse";
    /// The path of the discovery service on an enrollment server (MS-MDE2 3.1.5.1).
    pub const DISCOVERY_PATH: &str = "/EnrollmentServer/Discovery.svc";
    /// The namespace of the certificate enrollment policy messages (MS-XCEP, MS-MDE2 3.3).
    pub const POLICY: &str = "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy";
    /// The Action of a GetPolicies request (Microsoft's enrollment samples).
    pub const GET_POLICIES_ACTION: &str =
        "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPolicies";
    /// The Action of a GetPolicies response (MS-MDE2 3.3.4.1.1.2).
    pub const GET_POLICIES_RESPONSE_ACTION: &str = "http://schemas.microsoft.com/windows/pki/2009/01/enrollmentpolicy/IPolicy/GetPoliciesResponse";
    /// The WS-Security 1.0 namespace of Security and UsernameToken.
    pub const WSSE: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    /// The Type of a clear-text UsernameToken password (WS-Security UsernameToken Profile 1.0).
    pub const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
    /// The WS-Security utility namespace (the `u:Id` of a UsernameToken).
    pub const WSSE_UTILITY: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    /// The `u:Id` of an on-premise UsernameToken (MS-MDE2 3.4.4.1.1.1.3).
    pub const ONPREMISE_TOKEN_ID: &str = "uuid-cc1ccc1f-2fba-4bcf-b063-ffc0cac77917-4";
    /// The WS-Trust 1.3 namespace of RequestSecurityToken and its response.
    pub const TRUST: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
    /// The namespace of AdditionalContext (WS-Trust authorization).
    pub const AUTHORIZATION: &str = "http://schemas.xmlsoap.org/ws/2006/12/authorization";
    /// The namespace of RequestID and DispositionMessage (MS-WSTEP).
    pub const ENROLLMENT: &str = "http://schemas.microsoft.com/windows/pki/2009/01/enrollment";
    /// The Action of a RequestSecurityToken (MS-MDE2 3.4.4.1.1.1).
    pub const RST_ACTION: &str =
        "http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RST/wstep";
    /// The Action of its response (MS-MDE 3.4.4.1.1.3).
    pub const RSTRC_ACTION: &str =
        "http://schemas.microsoft.com/windows/pki/2009/01/enrollment/RSTRC/wstep";
    /// The TokenType of the request and its response (MS-MDE2 3.4.4.1.1.1.1).
    pub const DEVICE_ENROLLMENT_TOKEN: &str = "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentToken";
    /// The RequestType of a first enrollment (MS-MDE2 3.4.4.1.1.1.1).
    pub const REQUEST_TYPE_ISSUE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
    /// The ValueType of the PKCS#10 request in a RequestSecurityToken (Microsoft's samples).
    pub const PKCS10: &str = "http://schemas.microsoft.com/windows/pki/2009/01/enrollment#PKCS10";
    /// The EncodingType of a Base64 BinarySecurityToken (MS-MDE2 3.4.4.1.1.1.1).
    pub const BASE64_BINARY: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#base64binary";
    /// The ValueType of the provisioning document in the response, as Microsoft's
    /// samples write it.
    pub const PROVISION_DOC: &str = "http://schemas.microsoft.com/5.0.0.0/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc";
    /// The same ValueType as WIN-ENROLL-FED's prose writes it, without `5.0.0.0/`.
    pub const PROVISION_DOC_PROSE: &str =
        "http://schemas.microsoft.com/ConfigurationManager/Enrollment/DeviceEnrollmentProvisionDoc";
}
