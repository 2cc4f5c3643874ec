//! `openlocker demo seed`: fills an empty data folder with a working
//! sandbox, so a newcomer sees a locker with documents and a partner
//! developer has accounts to test against at once.
//!
//! Everything is synthetic and says so: the names start with "Demo", the
//! Aadhaar numbers are `9999 0000 0NN` with a valid Verhoeff check digit
//! (real numbers are issued by UIDAI; these are made up and shown as demo
//! data), and every PDF is stamped "synthetic demo document".
//! - Residents are opened the way `resident add` opens them: verified in
//!   person by the operator "demo seed", so their issued documents show.
//! - Issued documents are signed by this data folder's repository key,
//!   which the locker trusts for the demo issuers, and stored as kept
//!   copies: they open, verify and share with no second server running.
//! - One password, random, is printed once for every demo account.

use std::io::Write;
use std::path::Path;

use openlocker_db::docs;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::cli::admin::Output;
use crate::issuers::registry as issuers;
use crate::locker::activity::Client;
use crate::locker::{issued_signature, kept_copy, residents, uploads};
use crate::partners::{portal as requester_portal, registry as requesters};
use crate::platform::crypto;
use crate::platform::dates;
use crate::platform::error::Error;
use crate::platform::sealed_file::SealedWriter;
use crate::repository::{certificate, signing};

/// Letters and digits that read unambiguously when printed.
const PASSWORD_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// Where the demo partner app is expected to run.
const PARTNER_ORIGIN: &str = "http://localhost:3000";
const REDIRECT_URIS: [&str; 2] = ["http://localhost:3000/callback", "http://127.0.0.1:3000/callback"];

/// A demo issuer and its doc types (code, name).
struct DemoIssuer {
    id: &'static str,
    name: &'static str,
    doc_types: &'static [(&'static str, &'static str)],
}

const ISSUERS: [DemoIssuer; 2] = [
    DemoIssuer {
        id: "in.demo.board",
        name: "Demo School Board (synthetic)",
        doc_types: &[
            ("HSCER", "Class XII Marksheet (demo)"),
            ("SSCER", "Class X Marksheet (demo)"),
        ],
    },
    DemoIssuer {
        id: "in.demo.transport",
        name: "Demo Transport Department (synthetic)",
        doc_types: &[("DRVLC", "Driving Licence (demo)")],
    },
];

/// A demo resident: name, date of birth, gender, mobile.
const RESIDENTS: [(&str, &str, &str, &str); 3] = [
    ("Demo Asha Devi", "1990-04-01", "F", "9999000001"),
    ("Demo Ravi Kumar", "1985-11-23", "M", "9999000002"),
    ("Demo Meera Iyer", "2001-07-15", "F", "9999000003"),
];

/// Refuses a data folder that holds anything: the seed never mixes demo
/// data into a real deployment. Runs before the folder is opened.
pub fn refuse_non_empty(data_dir: &Path) -> Result<(), Error> {
    let holds_something = match std::fs::read_dir(data_dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::Invalid(format!("cannot read {}: {e}", data_dir.display()))),
    };
    if holds_something {
        return Err(Error::Conflict(format!(
            "{} is not empty: demo seed only fills a new, empty data folder (pick another with --data-dir)",
            data_dir.display()
        )));
    }
    Ok(())
}

/// The synthetic Aadhaar number of demo resident `n` (below 1000):
/// `99990000`, `n` in three digits, and its Verhoeff check digit.
pub fn synthetic_aadhaar(n: u32) -> String {
    let body = format!("99990000{n:03}");
    format!(
        "{body}{}",
        openlocker_proto::aadhaar::verhoeff_check_digit(body.as_bytes())
    )
}

/// `demo seed`.
pub fn seed(app: &App) -> Result<Output, Error> {
    let password = crypto::random_string(PASSWORD_ALPHABET, 16);
    let client = Client::cli();
    seed_issuers(app, &password)?;
    let mut people = Vec::new();
    for (n, person) in RESIDENTS.iter().enumerate() {
        let aadhaar = synthetic_aadhaar(n as u32 + 1);
        let id = seed_resident(app, person, &aadhaar, &password, &client)?;
        seed_issued(app, id, person, &aadhaar, n)?;
        seed_uploaded(app, id, person.0, &client)?;
        people.push(json!({ "name": person.0, "mobile": person.3, "aadhaar": aadhaar, "resident_id": id }));
    }
    let partner = requesters::add(
        app,
        "Demo Partner App (synthetic)",
        &requesters::Registration {
            origins: vec![PARTNER_ORIGIN.into()],
            services: Vec::new(),
            redirect_uris: Some(REDIRECT_URIS.iter().map(|u| (*u).to_owned()).collect()),
        },
    )?;
    requester_portal::add_user(app, &partner.app_id, "demo-partner", &password)?;
    Ok(summary(&password, &people, &partner.app_id, &partner.app_key))
}

fn seed_issuers(app: &App, password: &str) -> Result<(), Error> {
    let report = signing::show(app)?;
    let certificates = crate::wire::signature::keys::certificates_from_pem(&report.certificate_pem)?;
    for issuer in &ISSUERS {
        issuers::add(app, issuer.id, issuer.name, &issuers::PullSettings::default())?;
        issued_signature::trust_certificates(app, issuer.id, &certificates)?;
        for (code, name) in issuer.doc_types {
            let input = issuers::DocTypeInput {
                code,
                name,
                ..issuers::DocTypeInput::default()
            };
            issuers::add_doc_type(app, issuer.id, &input)?;
        }
    }
    issuers::add_user(app, ISSUERS[0].id, "demo-board", password)?;
    Ok(())
}

fn seed_resident(
    app: &App,
    (name, dob, gender, mobile): &(&str, &str, &str, &str),
    aadhaar: &str,
    password: &str,
    client: &Client,
) -> Result<i64, Error> {
    let new = residents::NewResident {
        aadhaar,
        name,
        dob,
        gender: Some(gender),
        mobile,
        password,
    };
    residents::add(app, &new, residents::Opening::Operator { by: "demo seed" }, client)
}

/// The resident's documents: a mark sheet for everyone, and a driving
/// licence for every other resident.
fn seed_issued(
    app: &App,
    resident_id: i64,
    person: &(&str, &str, &str, &str),
    aadhaar: &str,
    n: usize,
) -> Result<(), Error> {
    let mut documents = vec![(&ISSUERS[0], ISSUERS[0].doc_types[n % 2])];
    if n.is_multiple_of(2) {
        documents.push((&ISSUERS[1], ISSUERS[1].doc_types[0]));
    }
    let row = openlocker_db::residents::by_id(&app.db, resident_id)?
        .ok_or_else(|| Error::Internal("a demo resident vanished".into()))?;
    let aadhaar = residents::parse_aadhaar(aadhaar)?;
    for (k, (issuer, (code, doc_name))) in documents.into_iter().enumerate() {
        let doc_id = format!("DEMO{:04}{k}", n + 1);
        let uri = format!("{}-{code}-{doc_id}", issuer.id);
        let pdf = demo_pdf(&[
            doc_name,
            &format!("Issued to {}", person.0),
            &format!("Number {doc_id}"),
            issuer.name,
        ]);
        let xml = signed_certificate(app, issuer, (code, doc_name), &uri, &doc_id, person, &pdf)?;
        let now = time::OffsetDateTime::now_utc();
        let _guard = kept_copy::lock();
        let copy = kept_copy::put_parts(app, Some(&pdf), Some(xml.as_bytes()))?;
        docs::save_pulled(
            &app.db,
            &docs::PulledDoc {
                aadhaar_hmac: &app.keys.aadhaar_hmac(aadhaar.digits()),
                aadhaar_enc: &row.aadhaar_enc,
                uri: &uri,
                issuer_id: issuer.id,
                doc_type: code,
                doc_name,
                doc_id: &doc_id,
                issued_on: &dates::iso_date(now.date()),
                time_stamp: &dates::iso_date_time(time::PrimitiveDateTime::new(now.date(), now.time())),
                copy: &copy,
                now: now.unix_timestamp(),
            },
        )?;
        issued_signature::check_and_record(app, &uri, Some(xml.as_bytes()), Some(&pdf))?;
    }
    Ok(())
}

fn signed_certificate(
    app: &App,
    issuer: &DemoIssuer,
    (code, doc_name): (&str, &str),
    uri: &str,
    doc_id: &str,
    (name, dob, gender, _): &(&str, &str, &str, &str),
    pdf: &[u8],
) -> Result<String, Error> {
    let pdf_sha256 = hex::encode(Sha256::digest(pdf));
    let signed_at = dates::now_ts();
    let gender = match *gender {
        "F" => "Female",
        "M" => "Male",
        _ => "Other",
    };
    let fields = vec![(
        "Demo".to_owned(),
        "synthetic data for the OpenLocker sandbox".to_owned(),
    )];
    let input = certificate::CertificateInput {
        uri,
        number: doc_id,
        doc_type: code,
        name: doc_name,
        issued_on: &dates::iso_date(time::OffsetDateTime::now_utc().date()),
        valid_from: None,
        valid_to: None,
        issuer_id: issuer.id,
        issuer_name: issuer.name,
        owner: certificate::Owner {
            name: Some(name),
            dob: Some(dob),
            gender: Some(gender),
            phone: None,
        },
        fields: &fields,
        pdf_sha256: &pdf_sha256,
        signed_at: &signed_at,
    };
    let (_, signer) = signing::current_signer(app)?;
    Ok(signer.sign(&certificate::certificate_xml(&input))?)
}

/// One uploaded PDF in a "Personal" folder.
fn seed_uploaded(app: &App, resident_id: i64, name: &str, client: &Client) -> Result<(), Error> {
    let folder = uploads::folders::create(app, resident_id, "Personal")?;
    let pdf = demo_pdf(&[
        "Rent receipt (demo)",
        &format!("Paid by {name}"),
        "Uploaded by the resident",
    ]);
    let spooled = crate::platform::spool::SpoolFile::new_in(&app.incoming_dir());
    let mut writer = SealedWriter::new(std::fs::File::create(spooled.path())?, app.keys.file_cipher())?;
    writer.write_all(&pdf)?;
    writer.finish()?;
    let new = uploads::NewUpload {
        resident_id,
        folder_id: Some(folder.id),
        name: "rent-receipt.pdf",
        spooled: spooled.path(),
        size: pdf.len() as u64,
    };
    uploads::add(app, &new, client)?;
    Ok(())
}

/// A one-page PDF showing `lines`, stamped as synthetic.
pub fn demo_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 16 Tf 72 760 Td 20 TL");
    for line in lines.iter().chain(&["Synthetic demo document: not valid anywhere"]) {
        let escaped: String = line
            .chars()
            .filter(char::is_ascii)
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        text.push_str(&format!(" ({escaped}) Tj T*"));
    }
    text.push_str(" ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.extend_from_slice(table.as_bytes());
    pdf
}

fn summary(password: &str, people: &[Value], app_id: &str, app_key: &str) -> Output {
    let mut text = String::from(
        "seeded a demo locker (synthetic data only)\n\nresidents (sign in at /locker/ with the mobile number):\n",
    );
    for person in people {
        text.push_str(&format!(
            "  {}  mobile {}  Aadhaar {} (synthetic)\n",
            person["name"].as_str().unwrap_or_default(),
            person["mobile"].as_str().unwrap_or_default(),
            person["aadhaar"].as_str().unwrap_or_default()
        ));
    }
    text.push_str(&format!(
        "issuer portal (/issuer/): demo-board\nrequester portal (/requester/): demo-partner\n\
         partner app: client_id {app_id}  client_secret {app_key}\n  redirect URIs {}\n\n\
         password for every demo account: {password}\n(shown only now)",
        REDIRECT_URIS.join(", ")
    ));
    Output {
        json: json!({
            "password": password,
            "residents": people,
            "issuer_portal_user": "demo-board",
            "requester_portal_user": "demo-partner",
            "partner": { "client_id": app_id, "client_secret": app_key, "redirect_uris": REDIRECT_URIS },
            "issuers": ISSUERS.iter().map(|i| i.id).collect::<Vec<_>>(),
        }),
        text,
    }
}
