"""Two-factor enrolment for staff: an authenticator app (TOTP), set up on this site alone."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@staff_member_required(login_url="admin:login")
def two_factor(request):
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if request.method == "POST" and request.POST.get("action") == "remove" and confirmed:
        if not request.user.is_verified():
            messages.error(request, _("Sign in with your two-factor code before removing it."))
        else:
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-factor sign-in is off for your account."))
        return redirect("two_factor")
    if confirmed:
        return render(request, "accounts/two_factor.html", {"confirmed": True})

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    error = ""
    if request.method == "POST":
        token = (request.POST.get("token") or "").strip().replace(" ", "")
        if token and device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(
                request,
                _("Two-factor sign-in is on. You will be asked for a code at each sign-in."),
            )
            return redirect("two_factor")
        error = _("That code is not valid. Enter the six digits your app shows now.")
    context = {
        "confirmed": False,
        "qr": mark_safe(_qr_svg(device.config_url)),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "error": error,
    }
    return render(request, "accounts/two_factor.html", context)
