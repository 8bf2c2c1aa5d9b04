//! Town-hall staff: who may do what, and the login exchange.
//!
//! Residents never need an account; only staff log in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What a staff member may do. Roles are ordered: an `admin` may do all a
/// `publisher` may, who may do all an `editor` may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Role {
    /// Drafts alerts, keeps the directory current, triages reports.
    Editor,
    /// Everything an editor does, and publishes, updates and cancels alerts.
    Publisher,
    /// Everything, including managing staff accounts.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Editor, Role::Publisher, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Publisher => "publisher",
            Role::Admin => "admin",
        }
    }

    /// Whether this role includes the powers of `needed`.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("unknown role {0:?}: use one of editor, publisher, admin")]
    UnknownRole(String),
    #[error(
        "invalid username {0:?}: use 2 to 64 characters among lowercase letters, digits, '.', '-' and '_'"
    )]
    InvalidUsername(String),
    #[error("the password is too short: use at least {min} characters")]
    PasswordTooShort { min: usize },
}

impl FromStr for Role {
    type Err = StaffError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| StaffError::UnknownRole(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A staff login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "m.durand"))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
pub struct Username(String);

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = StaffError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (2..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(StaffError::InvalidUsername(s.to_owned()))
        }
    }
}

impl TryFrom<String> for Username {
    type Error = StaffError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Username> for String {
    fn from(u: Username) -> Self {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shortest password a staff account may have.
pub const MIN_PASSWORD_LEN: usize = 10;

/// Checks a new password against the policy (length only: long passphrases
/// beat composition rules).
pub fn check_new_password(password: &str) -> Result<(), StaffError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StaffError::PasswordTooShort {
            min: MIN_PASSWORD_LEN,
        });
    }
    Ok(())
}

/// `POST /api/v1/auth/login` body. The username is taken as a plain string so a
/// malformed one fails like a wrong password, without telling which was wrong.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A bearer token for the staff routes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LoginResponse {
    pub token: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub expires_at: OffsetDateTime,
    pub staff: StaffMember,
}

/// A staff member as others see them (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct StaffMember {
    pub username: Username,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Admin.allows(Role::Publisher));
        assert!(Role::Publisher.allows(Role::Editor));
        assert!(!Role::Editor.allows(Role::Publisher));
        assert_eq!("publisher".parse(), Ok(Role::Publisher));
        assert!(matches!(
            "mayor".parse::<Role>(),
            Err(StaffError::UnknownRole(_))
        ));
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert!("m.durand".parse::<Username>().is_ok());
        assert!("M.Durand".parse::<Username>().is_err());
        assert!("a".parse::<Username>().is_err());
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}
