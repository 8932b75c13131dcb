//! Saving an export: the text becomes a file the browser downloads, named by the
//! caller. Nothing is kept: the object URL is revoked once the download has started,
//! and no call data is written anywhere but the file the user asked for.

use wasm_bindgen::JsCast;

/// Why a download could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the browser refused to save the file ({0})")]
pub struct DownloadError(String);

/// Offers `text` as a download called `file_name`, of type `mime`.
pub fn save(file_name: &str, mime: &str, text: &str) -> Result<(), DownloadError> {
    let fail = |what: &str| DownloadError(what.to_owned());
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| fail("no blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no URL"))?;
    let a = document
        .create_element("a")
        .map_err(|_| fail("no link"))?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    a.set_href(&url);
    a.set_download(file_name);
    a.set_hidden(true);
    let body = document.body().ok_or_else(|| fail("no body"))?;
    let _ = body.append_child(&a);
    a.click();
    a.remove();
    // Revoked once the browser has taken the file (at once, some browsers cancel it).
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
